package emulator

// checkInstanceRegion answers MqttInstanceNotFound when an OnsMqtt request
// names an instance of another region: each regional endpoint of the real
// service only knows the instances of its own region, and the v1 SDK sends
// the region it was built for as RegionId. Requests without RegionId (the
// Tea "v2" and ACS3 flavours may omit it) and unknown instances are left to
// the operation, which answers as before.
func (e *Emulator) checkInstanceRegion(prod product, c *call) *apiError {
	if prod.name != "OnsMqtt" {
		return nil
	}
	region, id := c.get("RegionId"), c.get("MqttInstanceId")
	if region == "" || id == "" {
		return nil
	}
	var aerr *apiError
	e.read(func(s *store) {
		if in, ok := s.instances[id]; ok && in.Region != region {
			aerr = errInstanceNotFound()
		}
	})
	return aerr
}
