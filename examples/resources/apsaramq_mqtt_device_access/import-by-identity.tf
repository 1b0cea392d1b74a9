# Terraform 1.12+ and OpenTofu with resource identity support.
import {
  to = apsaramq_mqtt_device_access.trucks
  identity = {
    instance_id = "post-cn-7mz2d1a2b3c"
    ca_sn       = "007269004887ab12"
    region      = "cn-hangzhou" # optional: defaults to the provider's region
  }
}
