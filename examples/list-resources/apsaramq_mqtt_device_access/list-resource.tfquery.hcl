# adopt.tfquery.hcl, beside the configuration whose provider "apsaramq" block
# it uses: one apsaramq_mqtt_device_access per CA of the instance.
#   terraform query                                  # identities only: one ListCaCertificate call per 100 CAs
#   terraform query -generate-config-out=adopted.tf  # devices and statuses too: one paged read per CA
list "apsaramq_mqtt_device_access" "trucks" {
  provider = apsaramq

  config {
    instance_id = "post-cn-7mz2d1a2b3c"
  }
}
