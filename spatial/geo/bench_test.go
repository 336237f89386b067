package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func BenchmarkDistance(b *testing.B) {
	p, q := orb.Point{106.7, 10.8}, orb.Point{106.703, 10.802}
	for b.Loop() {
		Distance(p, q)
	}
}

func BenchmarkSphereDistance(b *testing.B) {
	p, q := orb.Point{106.7, 10.8}, orb.Point{106.703, 10.802}
	for b.Loop() {
		SphereDistance(p, q)
	}
}

func BenchmarkDistanceToLine(b *testing.B) {
	p := orb.Point{106.7, 10.8}
	l := orb.LineString{{106.69, 10.79}, {106.70, 10.795}, {106.71, 10.80}, {106.72, 10.81}, {106.73, 10.80}}
	for b.Loop() {
		DistanceTo(p, l)
	}
}

func BenchmarkFastDistance(b *testing.B) {
	p, q := orb.Point{106.7, 10.8}, orb.Point{106.703, 10.802}
	for b.Loop() {
		FastDistance(p, q)
	}
}
