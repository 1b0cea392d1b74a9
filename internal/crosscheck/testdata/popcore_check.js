// Cross-check of the emulator with Alibaba's own Node RPC client,
// @alicloud/pop-core, which signs requests with its own code. Driven by
// crosscheck_test.go: configuration comes from the environment, and every
// check prints one JSON line {"name","ok","code","status"} on stdout.
'use strict';
const RPCClient = require('@alicloud/pop-core').RPCClient;

const env = process.env;
const mqtt = (endpoint, creds) => new RPCClient(Object.assign({ endpoint, apiVersion: '2020-04-20' }, creds));
const demo = { accessKeyId: env.AK, accessKeySecret: env.SK };
const device = (sn) => ({ MqttInstanceId: env.INSTANCE, CaSn: env.CA_SN, DeviceSn: sn, RegionId: env.REGION });

async function check(name, fn) {
  const line = { name };
  try {
    const res = await fn();
    line.ok = true;
    if (res && res.Data && res.Data.Status !== undefined) line.status = String(res.Data.Status);
    if (res && res.RequestId) line.requestId = res.RequestId;
  } catch (err) {
    line.ok = false;
    line.code = err.code || err.name || String(err);
    line.message = String(err.message || '').slice(0, 200);
  }
  console.log(JSON.stringify(line));
  return line;
}

(async () => {
  const get = { method: 'GET' };
  const post = { method: 'POST' };
  await check('get', () => mqtt(env.URL, demo).request('GetDeviceCertificate', device(env.DEVICE_SN), get));
  await check('inactivate-post', () => mqtt(env.URL, demo).request('InactivateDeviceCertificate', device(env.DEVICE_SN), post));
  await check('get-special-characters', () => mqtt(env.URL, demo).request('GetDeviceCertificate', device(env.SPECIAL_SN), get));
  await check('wrong-secret', () => mqtt(env.URL, { accessKeyId: env.AK, accessKeySecret: env.SK + 'x' }).request('GetDeviceCertificate', device(env.DEVICE_SN), get));
  await check('tampered', () => mqtt(env.TAMPER_URL, demo).request('GetDeviceCertificate', device(env.DEVICE_SN), get));
  await check('replayed', () => mqtt(env.REPLAY_URL, demo).request('GetDeviceCertificate', device(env.DEVICE_SN), get));

  let temp = null;
  await check('assume-role', async () => {
    const sts = new RPCClient({ endpoint: env.URL, apiVersion: '2015-04-01', accessKeyId: env.AK, accessKeySecret: env.SK });
    const res = await sts.request('AssumeRole', { RoleArn: env.ROLE_ARN, RoleSessionName: 'pop-core' }, post);
    temp = res.Credentials;
    return res;
  });
  if (temp) {
    const sts = { accessKeyId: temp.AccessKeyId, accessKeySecret: temp.AccessKeySecret, securityToken: temp.SecurityToken };
    await check('activate-with-sts', () => mqtt(env.URL, sts).request('ActiveDeviceCertificate', device(env.DEVICE_SN), get));
    await check('wrong-token', () => mqtt(env.URL, Object.assign({}, sts, { securityToken: temp.SecurityToken + 'x' })).request('GetDeviceCertificate', device(env.DEVICE_SN), get));
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
