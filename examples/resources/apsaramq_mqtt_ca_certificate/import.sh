# A CA certificate is imported by "<instance_id>:<sn>"; append "@<region>" for
# an instance outside the provider's region.
terraform import apsaramq_mqtt_ca_certificate.fleet post-cn-7mz2d01:007269004887ab
terraform import apsaramq_mqtt_ca_certificate.shanghai post-cn-sh0001:3a7f1c0de0000002@cn-shanghai
