# The import ID is instance_id:ca_sn:device_sn.
terraform import apsaramq_mqtt_device_certificate_state.sensor post-cn-7mz2d1a2b3c:007269004887ab12:356217374433cd34
