data "apsaramq_mqtt_device_certificate" "truck" {
  instance_id = "post-cn-7mz2d01"
  ca_sn       = "007269004887ab"
  device_sn   = "356217374433cd"
}

output "truck_certificate_expires" {
  value = data.apsaramq_mqtt_device_certificate.truck.valid_until
}
