# The registration code of the instance: the verification certificate's
# common name must carry it.
data "apsaramq_mqtt_register_code" "prod" {
  instance_id = "post-cn-7mz2d01"
}

# CA and verification certificates made outside Terraform, e.g. with openssl:
#   openssl req -x509 -new -key ca.key -subj "/CN=Fleet Root CA" -days 3650 \
#     -addext basicConstraints=critical,CA:TRUE -out ca.pem
#   openssl req -new -key verification.key -subj "/CN=<register_code>" -out verification.csr
#   openssl x509 -req -in verification.csr -CA ca.pem -CAkey ca.key -days 30 -out verification.pem
resource "apsaramq_mqtt_ca_certificate" "fleet" {
  instance_id                  = "post-cn-7mz2d01"
  name                         = "fleet-root-ca"
  ca_certificate_pem           = file("${path.module}/ca.pem")
  verification_certificate_pem = file("${path.module}/verification.pem")
}

# Stop new devices signed by the CA from registering, keeping the CA.
resource "apsaramq_mqtt_ca_certificate" "retired" {
  instance_id                  = "post-cn-7mz2d01"
  name                         = "retired-ca"
  ca_certificate_pem           = file("${path.module}/retired-ca.pem")
  verification_certificate_pem = file("${path.module}/retired-verification.pem")
  status                       = "inactive"
}

# A CA on an instance of another region, through the same provider configuration.
resource "apsaramq_mqtt_ca_certificate" "shanghai" {
  region                       = "cn-shanghai"
  instance_id                  = "post-cn-sh0001"
  name                         = "fleet-root-ca"
  ca_certificate_pem           = file("${path.module}/ca.pem")
  verification_certificate_pem = file("${path.module}/verification-shanghai.pem")
}

output "registration_code" {
  value = data.apsaramq_mqtt_register_code.prod.register_code
}
