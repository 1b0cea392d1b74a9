output "region" {
  description = "Region the environment's instance was addressed in."
  value       = apsaramq_mqtt_device_access.this.region
}

output "active_count" {
  description = "Registered certificates under the CA that may connect."
  value       = apsaramq_mqtt_device_access.this.active_count
}

output "registered_count" {
  description = "Registered certificates under the CA."
  value       = apsaramq_mqtt_device_access.this.registered_count
}

output "unlisted_device_sns" {
  description = "Registered certificates neither allowed nor revoked: with default_deny, refused."
  value       = sort(keys(apsaramq_mqtt_device_access.this.unlisted_device_statuses))
}

output "unregistered_device_sns" {
  description = "Allowed or revoked devices that have not connected yet."
  value       = sort(tolist(apsaramq_mqtt_device_access.this.unregistered_devices))
}
