import {
  to = apsaramq_mqtt_device_access.trucks
  id = "post-cn-7mz2d1a2b3c:007269004887ab12"
}
