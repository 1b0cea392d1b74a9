# The import ID is instance_id:ca_sn; append @<region> to import a CA of
# another region than the provider's. Import reads every registered
# certificate under the CA into devices, with unlisted_devices = "ignore".
terraform import apsaramq_mqtt_device_access.trucks post-cn-7mz2d1a2b3c:007269004887ab12
terraform import apsaramq_mqtt_device_access.staging post-cn-sh0001:00f26900ba87cd@cn-shanghai
