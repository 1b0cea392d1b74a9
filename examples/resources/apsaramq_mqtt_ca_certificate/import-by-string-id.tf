import {
  to = apsaramq_mqtt_ca_certificate.fleet
  id = "post-cn-7mz2d01:007269004887ab"
}

# Outside the provider's region: the "@<region>" suffix.
import {
  to = apsaramq_mqtt_ca_certificate.shanghai
  id = "post-cn-sh0001:3a7f1c0de0000002@cn-shanghai"
}
