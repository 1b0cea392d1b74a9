# Credentials come from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID,
# ALIBABA_CLOUD_ACCESS_KEY_SECRET) or a profile of ~/.aliyun/config.json;
# keep them out of configuration files.
provider "apsaramq" {
  region = "cn-hangzhou"
}

# Assume a RAM role with STS, e.g. from a CI identity.
provider "apsaramq" {
  alias  = "ops"
  region = "cn-shanghai"

  assume_role {
    role_arn     = "acs:ram::123456789012****:role/mqtt-device-access"
    session_name = "terraform-ci"
  }
}

# OIDC role SSO (GitHub Actions, GitLab CI, ACK RRSA): no AccessKey at all.
provider "apsaramq" {
  alias  = "ci"
  region = "cn-hangzhou"

  assume_role_with_oidc {
    oidc_provider_arn = "acs:ram::123456789012****:oidc-provider/github"
    role_arn          = "acs:ram::123456789012****:role/mqtt-device-access"
    oidc_token_file   = "/path/to/oidc-token"
  }
}
