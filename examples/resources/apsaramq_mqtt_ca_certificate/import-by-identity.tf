# Terraform 1.12+ / OpenTofu 1.12+: import by resource identity.
import {
  to = apsaramq_mqtt_ca_certificate.fleet
  identity = {
    instance_id = "post-cn-7mz2d01"
    sn          = "007269004887ab"
    # region = "cn-shanghai"  # optional, defaults to the provider's region
  }
}
