# Device access of one environment: which devices registered under one CA may
# connect. With default deny, every other certificate under the CA is
# inactivated, including devices that register after this apply.

resource "apsaramq_mqtt_device_access" "this" {
  region      = var.region
  instance_id = var.instance_id
  ca_sn       = var.ca_sn

  devices = merge(
    { for sn in var.allowed_device_sns : sn => "active" },
    { for sn in var.revoked_device_sns : sn => "inactive" },
  )
  unlisted_devices           = var.default_deny ? "inactive" : "ignore"
  allow_unregistered_devices = var.allow_unregistered_devices

  lifecycle {
    precondition {
      condition     = length(setintersection(var.allowed_device_sns, var.revoked_device_sns)) == 0
      error_message = "A device serial number is both allowed and revoked: ${join(", ", setintersection(var.allowed_device_sns, var.revoked_device_sns))}."
    }
  }
}

# Terraform takes no variable in a lifecycle block, so prevent_destroy is
# carried by a companion: with var.prevent_destroy, any plan that would
# destroy or replace the access resource (module removed, terraform destroy,
# a changed instance_id, ca_sn or region) also destroys this guard, and the
# engine refuses such a plan before anything is inactivated.
resource "terraform_data" "prevent_destroy" {
  count            = var.prevent_destroy ? 1 : 0
  triggers_replace = apsaramq_mqtt_device_access.this.id

  lifecycle {
    prevent_destroy = true
  }
}
