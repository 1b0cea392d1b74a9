# Keep a device's certificate active: the device may connect.
resource "apsaramq_mqtt_device_certificate_state" "sensor" {
  instance_id = "post-cn-7mz2d1a2b3c"
  ca_sn       = "007269004887ab12"
  device_sn   = "356217374433cd34"
}

# Block a lost device; destroying the resource also inactivates it.
resource "apsaramq_mqtt_device_certificate_state" "lost_gateway" {
  instance_id = "post-cn-7mz2d1a2b3c"
  ca_sn       = "007269004887ab12"
  device_sn   = "356217374433ef56"
  status      = "inactive"

  timeouts = {
    create = "10m"
  }
}
