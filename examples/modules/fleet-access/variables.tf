variable "instance_id" {
  description = "ID of the ApsaraMQ for MQTT instance of this environment."
  type        = string
}

variable "region" {
  description = "Region of the instance. null: the region of the provider configuration passed to the module."
  type        = string
  default     = null
}

variable "ca_sn" {
  description = "Serial number of the registered CA whose device certificates this module holds (apsaramq_mqtt_ca_certificate.sn, or from the console)."
  type        = string
}

variable "allowed_device_sns" {
  description = "Device certificate serial numbers that may connect (status active)."
  type        = set(string)
  default     = []
}

variable "revoked_device_sns" {
  description = "Device certificate serial numbers refused (status inactive), e.g. a stolen device."
  type        = set(string)
  default     = []
}

variable "default_deny" {
  description = "true: every other certificate registered under the CA, now or later, is inactivated (only allowed devices may connect). false: other certificates are left as they are."
  type        = bool
  default     = true
}

variable "allow_unregistered_devices" {
  description = "true: listing a device that has not connected yet is not an error; it is brought to its status on the first apply after it registers (see the unregistered_device_sns output). false: such a device is an error naming it, at plan when the plan reads the CA."
  type        = bool
  default     = false
}

variable "prevent_destroy" {
  description = "true (recommended for production): every plan that would destroy or replace the access resource, and so inactivate its certificates, fails instead. Turning it off again needs the guard removed from state first (see the module's README)."
  type        = bool
  default     = false
}
