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
  description = "Serial number of the registered CA whose devices this module manages (apsaramq_mqtt_ca_certificate.sn, or from the console). It must be known at plan time: it keys for_each."
  type        = string
}

variable "revoked_device_sns" {
  description = "Device serial numbers refused access (status inactive). Every other device under the CA is active."
  type        = set(string)
  default     = []
}

variable "device_name_regex" {
  description = "Manage only devices whose name matches this regular expression; null: every device under the CA."
  type        = string
  default     = null
}

variable "expected_device_sns" {
  description = "Devices expected to connect soon (e.g. provisioned in this pipeline): their state resources wait for the first connection, up to wait_timeout."
  type        = set(string)
  default     = []
}

variable "wait_timeout" {
  description = "How long to wait for each expected device's first connection."
  type        = string
  default     = "15m"
}
