package main

import "bando/api"

// demoWallScenes are the wall's scenes when the config declares none: they
// tour the demo province (Thành phố Hồ Chí Minh). A scene naming a layer the
// catalog lacks simply shows less.
var demoWallScenes = []api.WallScene{
	{
		ID: "province", Title: map[string]string{"vi": "Toàn thành phố", "en": "The whole city"},
		Center: [2]float64{106.72, 10.78}, Zoom: 8.6,
		Layers:     []string{"sea", "fishing_zones", "coastline", "province", "communes", "railways", "ports"},
		Indicators: []string{"street_lights_per_km", "temporary_house_share", "clinics_per_10k"},
	},
	{
		ID: "centre", Title: map[string]string{"vi": "Trung tâm — nhà 3D, đèn đường", "en": "City centre — 3D buildings, street lights"},
		Center: [2]float64{106.700, 10.776}, Zoom: 15.4, Pitch: 55, Bearing: -25,
		Layers:     []string{"communes", "roads", "buildings", "street_lights"},
		Indicators: []string{"street_lights_per_km"},
	},
	{
		ID: "sea", Title: map[string]string{"vi": "Biển — tàu cá, vùng khai thác", "en": "Sea — fishing vessels and zones"},
		Center: [2]float64{106.95, 10.1}, Zoom: 8.2,
		Layers:     []string{"sea", "fishing_zones", "coastline", "province", "ports", "vessels"},
		Indicators: []string{"clinics_per_10k"},
	},
}

// wall is the wall's configuration with the demo's scenes by default.
func (c Config) wall() api.WallConfig {
	w := c.Wall
	if len(w.Scenes) == 0 {
		w.Scenes = demoWallScenes
	}
	return w
}
