# Device access of one environment: every device certificate registered
# under a CA is active unless revoked; devices expected to come online during
# the apply are waited for.

data "apsaramq_mqtt_device_certificates" "registered" {
  region      = var.region
  instance_id = var.instance_id
  ca_sn       = var.ca_sn
  name_regex  = var.device_name_regex
}

locals {
  registered = {
    for c in data.apsaramq_mqtt_device_certificates.registered.certificates : c.device_sn => c
    if !contains(var.expected_device_sns, c.device_sn)
  }
}

resource "apsaramq_mqtt_device_certificate_state" "registered" {
  for_each = local.registered

  region      = var.region
  instance_id = each.value.instance_id
  ca_sn       = each.value.ca_sn
  device_sn   = each.key
  status      = contains(var.revoked_device_sns, each.key) ? "inactive" : "active"
}

# Kept apart from the list above, so that a device keeps the same resource
# address before and after it connects.
resource "apsaramq_mqtt_device_certificate_state" "expected" {
  for_each = var.expected_device_sns

  region                = var.region
  instance_id           = var.instance_id
  ca_sn                 = var.ca_sn
  device_sn             = each.key
  status                = contains(var.revoked_device_sns, each.key) ? "inactive" : "active"
  wait_for_registration = true

  timeouts = {
    create = var.wait_timeout
  }
}
