import {
  to = apsaramq_mqtt_device_certificate_state.sensor
  id = "post-cn-7mz2d1a2b3c:007269004887ab12:356217374433cd34"
}
