data "apsaramq_mqtt_register_code" "prod" {
  instance_id = "post-cn-7mz2d01"
}

# Put this code in the subject common name of the verification certificate
# that apsaramq_mqtt_ca_certificate registers a CA with.
output "register_code" {
  value = data.apsaramq_mqtt_register_code.prod.register_code
}
