data "apsaramq_mqtt_ca_certificate" "fleet" {
  instance_id = "post-cn-7mz2d01"
  sn          = "007269004887ab"
}

output "fleet_ca_expires" {
  value = data.apsaramq_mqtt_ca_certificate.fleet.valid_until
}
