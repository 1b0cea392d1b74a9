output "region" {
  description = "Region the environment's instance was addressed in."
  value       = data.apsaramq_mqtt_device_certificates.registered.region
}

output "active_device_sns" {
  description = "Device serial numbers allowed to connect."
  value = sort(concat(
    [for sn, s in apsaramq_mqtt_device_certificate_state.registered : sn if s.status == "active"],
    [for sn, s in apsaramq_mqtt_device_certificate_state.expected : sn if s.status == "active"],
  ))
}

output "revoked_device_sns" {
  description = "Device serial numbers refused."
  value = sort(concat(
    [for sn, s in apsaramq_mqtt_device_certificate_state.registered : sn if s.status == "inactive"],
    [for sn, s in apsaramq_mqtt_device_certificate_state.expected : sn if s.status == "inactive"],
  ))
}
