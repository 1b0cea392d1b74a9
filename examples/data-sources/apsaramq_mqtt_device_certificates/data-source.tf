# Every device certificate under one CA...
data "apsaramq_mqtt_device_certificates" "fleet" {
  instance_id = "post-cn-7mz2d01"
  ca_sn       = "007269004887ab"
}

# ...each managed by one resource instance, keyed by device serial number
# (unique under one CA). Devices that register later join on the next apply.
resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  for_each = { for c in data.apsaramq_mqtt_device_certificates.fleet.certificates : c.device_sn => c }

  instance_id = each.value.instance_id
  ca_sn       = each.value.ca_sn
  device_sn   = each.value.device_sn
  status      = contains(var.revoked_device_sns, each.key) ? "inactive" : "active"
}

variable "revoked_device_sns" {
  type    = set(string)
  default = []
}

# Filters: inactive gateways across every CA of the instance. Without ca_sn,
# key for_each by c.id (instance_id:ca_sn:device_sn) instead.
data "apsaramq_mqtt_device_certificates" "inactive_gateways" {
  instance_id = "post-cn-7mz2d01"
  status      = "inactive"
  name_regex  = "^gateway-"
}

output "inactive_gateway_ids" {
  value = data.apsaramq_mqtt_device_certificates.inactive_gateways.ids
}
