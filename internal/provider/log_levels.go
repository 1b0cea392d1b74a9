package provider

import "os"

// Both engines keep a provider's log lines only when one of these is set
// (TF_LOG or TF_LOG_PROVIDER choose a level; TF_TEMP_LOG_PATH records every
// level). Without them the engine still parses each JSON line the plugin
// writes to stderr and then throws it away.
var engineLogSwitches = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_TEMP_LOG_PATH"}

// pluginLogLevels are the terraform-plugin-go, framework and provider logger
// levels. Unset, the SDK loggers default to TRACE: several JSON lines per RPC.
var pluginLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_APSARAMQ"}

// SilenceLogsTheEngineDrops turns the plugin's loggers off when the engine
// that started the provider will discard their output anyway. At fleet size
// writing and parsing those lines is a large share of both processes' CPU.
// A level the user set explicitly is kept. Call it before serving.
func SilenceLogsTheEngineDrops() {
	silenceUnreadLogs(os.LookupEnv, os.Setenv)
}

func silenceUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, name := range engineLogSwitches {
		if v, _ := lookup(name); v != "" {
			return
		}
	}
	for _, name := range pluginLogLevels {
		if v, _ := lookup(name); v == "" {
			_ = set(name, "OFF") // setenv fails only on invalid names; these are constants
		}
	}
}
