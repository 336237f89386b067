package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"bando/layers"
	"bando/twin"
)

// TopicWall is the stream topic that carries the video wall's state, so
// that a scene chosen at the desk reaches every wall at once.
const TopicWall = "wall"

// WallScene is one scene of the video wall: a camera, the layers shown,
// the indicators in its KPI strip and a title.
type WallScene struct {
	ID         string            `yaml:"id" json:"id"`
	Title      map[string]string `yaml:"title" json:"title"`
	Center     [2]float64        `yaml:"center" json:"center"`
	Zoom       float64           `yaml:"zoom" json:"zoom"`
	Pitch      float64           `yaml:"pitch" json:"pitch"`
	Bearing    float64           `yaml:"bearing" json:"bearing"`
	Layers     []string          `yaml:"layers" json:"layers"`
	Indicators []string          `yaml:"indicators" json:"indicators"`
}

// WallConfig is the `wall:` section of the config: the scenes and how long
// each stays on screen while the wall rotates.
type WallConfig struct {
	RotateSeconds int         `yaml:"rotate_seconds" json:"rotate_seconds"`
	Scenes        []WallScene `yaml:"scenes" json:"scenes"`
}

// Check rejects scenes a wall could not show.
func (c *WallConfig) Check() error {
	if c.RotateSeconds < 0 {
		return fmt.Errorf("wall: rotate_seconds must be ≥ 0")
	}
	seen := map[string]bool{}
	for i, sc := range c.Scenes {
		switch {
		case sc.ID == "":
			return fmt.Errorf("wall: scenes[%d] has no id", i)
		case seen[sc.ID]:
			return fmt.Errorf("wall: scene %q declared twice", sc.ID)
		case sc.Zoom < 0 || sc.Zoom > 22 || sc.Pitch < 0 || sc.Pitch > 85:
			return fmt.Errorf("wall: scene %q: zoom must be 0–22, pitch 0–85", sc.ID)
		case sc.Center[0] < -180 || sc.Center[0] > 180 || sc.Center[1] < -90 || sc.Center[1] > 90:
			return fmt.Errorf("wall: scene %q: center must be [lon, lat]", sc.ID)
		}
		seen[sc.ID] = true
	}
	return nil
}

// wallState is what the walls show: one scene, or every scene in turn.
type wallState struct {
	mu      sync.Mutex
	scene   string // "" with rotate
	rotate  bool
	version int
}

type wallAnswer struct {
	Scene         string      `json:"scene"`
	Rotate        bool        `json:"rotate"`
	RotateSeconds int         `json:"rotate_seconds"`
	Version       int         `json:"version"`
	Scenes        []WallScene `json:"scenes"`
}

// wall answers GET /api/wall (the scenes, their layers cut to what p may
// see) and PUT /api/wall {"scene": id, "rotate": bool} (a write token),
// which every wall receives on the stream's wall topic.
func (s *Server) wall(r *Request, p layers.Principal) *Response {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return jsonResponse(http.StatusOK, "application/json", s.wallAnswer(p))
	case http.MethodPut:
	default:
		return methodNotAllowed("GET, PUT")
	}
	if p.IsAnonymous() {
		return errorResponse(errTokenRequired)
	}
	if !s.cfg.Tokens.CanWrite(r.Header.Get("Authorization")) {
		return errorResponse(errForbidden)
	}
	var body struct {
		Scene  string `json:"scene"`
		Rotate bool   `json:"rotate"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		return errorResponse(badRequest(`body must be a JSON object such as {"scene": "…", "rotate": false}`))
	}
	if body.Scene != "" && s.wallScene(body.Scene) == nil {
		return errorResponse(badRequest("unknown scene " + quote(body.Scene)))
	}
	if body.Scene == "" {
		body.Rotate = true
	}
	st := &s.wallState
	st.mu.Lock()
	st.scene, st.rotate = body.Scene, body.Rotate
	st.version++
	st.mu.Unlock()
	// The event names no layer: every wall, whoever it is, may know the scene.
	s.cfg.Hub.Publish(twin.Event{Topic: TopicWall, Data: s.wallAnswer(layers.Anonymous)})
	return jsonResponse(http.StatusOK, "application/json", s.wallAnswer(p))
}

func (s *Server) wallScene(id string) *WallScene {
	for i := range s.cfg.Wall.Scenes {
		if s.cfg.Wall.Scenes[i].ID == id {
			return &s.cfg.Wall.Scenes[i]
		}
	}
	return nil
}

func (s *Server) wallAnswer(p layers.Principal) wallAnswer {
	st := &s.wallState
	st.mu.Lock()
	out := wallAnswer{Scene: st.scene, Rotate: st.rotate || st.scene == "", RotateSeconds: s.cfg.Wall.RotateSeconds, Version: st.version}
	st.mu.Unlock()
	if out.RotateSeconds == 0 {
		out.RotateSeconds = 45
	}
	out.Scenes = make([]WallScene, 0, len(s.cfg.Wall.Scenes))
	for _, sc := range s.cfg.Wall.Scenes {
		sc.Layers = s.visibleLayers(p, sc.Layers)
		out.Scenes = append(out.Scenes, sc)
	}
	return out
}

// visibleLayers keeps the ids p may see, so that a scene never names an
// internal layer to the public.
func (s *Server) visibleLayers(p layers.Principal, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if s.canSeeLayer(p, id) {
			out = append(out, id)
		}
	}
	return out
}
