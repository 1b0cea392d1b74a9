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

module "prod" {
  source    = "../"
  providers = { apsaramq = apsaramq.prod }

  instance_id        = var.prod_instance_id
  ca_sn              = var.prod_ca_sn
  revoked_device_sns = ["356217374433cd"] # a stolen truck
}

module "staging" {
  source    = "../"
  providers = { apsaramq = apsaramq.staging }

  instance_id         = var.staging_instance_id
  ca_sn               = var.staging_ca_sn
  device_name_regex   = "^test-"
  expected_device_sns = var.staging_new_device_sns
  wait_timeout        = "10m"
}

variable "prod_instance_id" {
  type    = string
  default = "post-cn-7mz2d01"
}

variable "prod_ca_sn" {
  type    = string
  default = "007269004887ab"
}

variable "staging_instance_id" {
  type    = string
  default = "post-cn-sh0001"
}

variable "staging_ca_sn" {
  type    = string
  default = "00f26900ba87cd"
}

variable "staging_new_device_sns" {
  description = "Devices the staging pipeline flashes in this run; apply waits for them to come online."
  type        = set(string)
  default     = []
}

output "prod_active_devices" {
  value = module.prod.active_device_sns
}

output "staging_active_devices" {
  value = module.staging.active_device_sns
}
