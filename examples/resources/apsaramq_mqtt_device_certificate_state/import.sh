# The import ID is instance_id:ca_sn:device_sn; append @<region> to import a
# certificate of another region than the provider's.
terraform import apsaramq_mqtt_device_certificate_state.sensor post-cn-7mz2d1a2b3c:007269004887ab12:356217374433cd34
terraform import apsaramq_mqtt_device_certificate_state.eu_gateway post-cn-9xk2f7q1w:007269004887ab12:356217374433ef56@eu-central-1
