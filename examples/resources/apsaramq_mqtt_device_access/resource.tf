# Default deny for one CA: only these devices may connect; every other
# certificate registered under the CA, now or later, is inactivated.
resource "apsaramq_mqtt_device_access" "trucks" {
  instance_id      = "post-cn-7mz2d1a2b3c"
  ca_sn            = "007269004887ab12"
  unlisted_devices = "inactive"

  devices = {
    "356217374433cd34" = "active"
    "356217374433cd35" = "active"
    "356217374433ef56" = "inactive" # a stolen truck
  }

  # Production: a plan that would destroy or replace the resource (and so
  # inactivate the whole fleet) fails instead.
  lifecycle {
    prevent_destroy = true
  }
}

# A pipeline that flashes devices before they first connect: listing them is
# not an error; they are brought to their status on the first apply after
# they register.
resource "apsaramq_mqtt_device_access" "staging" {
  instance_id                = "post-cn-sh0001"
  region                     = "cn-shanghai"
  ca_sn                      = "00f26900ba87cd"
  allow_unregistered_devices = true

  devices = { for sn in var.staging_device_sns : sn => "active" }

  timeouts = {
    update = "10m"
  }
}

variable "staging_device_sns" {
  type    = set(string)
  default = ["4a01", "4a02"]
}

output "trucks_allowed" {
  value = apsaramq_mqtt_device_access.trucks.active_count
}

output "staging_not_yet_connected" {
  value = apsaramq_mqtt_device_access.staging.unregistered_devices
}
