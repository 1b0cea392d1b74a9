# One result per device certificate the broker registered under a CA. The
# engine keeps 100 results unless limit says more; a warning names the count.
list "apsaramq_mqtt_device_certificate_state" "refused" {
  provider = apsaramq
  limit    = 10000

  config {
    instance_id = "post-cn-7mz2d1a2b3c"
    ca_sn       = "007269004887ab12" # optional: every CA of the instance when unset
    status      = "inactive"         # optional: active or inactive
  }
}
