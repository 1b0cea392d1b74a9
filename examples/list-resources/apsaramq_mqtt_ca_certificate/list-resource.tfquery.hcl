# The CAs of an instance in another region than the provider's; with
# include_resource, `terraform query -json` shows each one's name, status,
# validity and PEMs.
list "apsaramq_mqtt_ca_certificate" "shanghai" {
  provider         = apsaramq
  include_resource = true

  config {
    instance_id = "post-cn-0pp1b2c3d4e"
    region      = "cn-shanghai"
  }
}
