# Terraform 1.12+ and OpenTofu with resource identity support.
import {
  to = apsaramq_mqtt_device_certificate_state.sensor
  identity = {
    instance_id = "post-cn-7mz2d1a2b3c"
    ca_sn       = "007269004887ab12"
    device_sn   = "356217374433cd34"
    region      = "cn-hangzhou" # optional: defaults to the provider's region
  }
}
