data "apsaramq_mqtt_ca_certificates" "active" {
  instance_id = "post-cn-7mz2d01"
  status      = "active"
}

output "active_ca_sns" {
  value = [for ca in data.apsaramq_mqtt_ca_certificates.active.certificates : ca.sn]
}
