terraform {
  required_version = ">= 1.5"
  required_providers {
    apsaramq = {
      source = "apsaramq/apsaramq"
    }
  }
}
