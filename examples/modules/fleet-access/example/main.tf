# One module, two environments: production in one account and region,
# staging in another account and region, each through its own provider
# configuration (alias).

terraform {
  required_version = ">= 1.5"
  required_providers {
    apsaramq = {
      source = "apsaramq/apsaramq"
    }
  }
}

provider "apsaramq" {
  alias   = "prod"
  region  = "cn-hangzhou"
  profile = "prod" # credentials of the production account
}

provider "apsaramq" {
  alias   = "staging"
  region  = "cn-shanghai"
  profile = "staging" # another account; or assume_role { role_arn = ... }
}

# Production: only the fleet's devices may connect; any other certificate
# that registers under the CA is refused by the next apply. A plan that
# would destroy or replace it (inactivating the fleet) fails instead.
module "prod" {
  source    = "../"
  providers = { apsaramq = apsaramq.prod }

  instance_id        = var.prod_instance_id
  ca_sn              = var.prod_ca_sn
  allowed_device_sns = var.prod_device_sns
  revoked_device_sns = ["356217374433cd"] # a stolen truck
  prevent_destroy    = true
}

# Staging: test devices are flashed by the pipeline and may be listed before
# they first connect; devices the pipeline does not know are left alone.
module "staging" {
  source    = "../"
  providers = { apsaramq = apsaramq.staging }

  instance_id                = var.staging_instance_id
  ca_sn                      = var.staging_ca_sn
  allowed_device_sns         = var.staging_device_sns
  default_deny               = false
  allow_unregistered_devices = true
}

variable "prod_instance_id" {
  type    = string
  default = "post-cn-7mz2d01"
}

variable "prod_ca_sn" {
  type    = string
  default = "007269004887ab"
}

variable "prod_device_sns" {
  description = "The production fleet, e.g. from the device inventory."
  type        = set(string)
  default     = ["356217374433a1", "356217374433a2"]
}

variable "staging_instance_id" {
  type    = string
  default = "post-cn-sh0001"
}

variable "staging_ca_sn" {
  type    = string
  default = "00f26900ba87cd"
}

variable "staging_device_sns" {
  description = "Devices the staging pipeline flashes; they may not have connected yet."
  type        = set(string)
  default     = ["4a01", "4a02"]
}

output "prod_active_devices" {
  value = module.prod.active_count
}

output "prod_refused_unknown_devices" {
  value = module.prod.unlisted_device_sns
}

output "staging_not_yet_connected" {
  value = module.staging.unregistered_device_sns
}
