package hex

import (
	"strconv"
	"strings"
)

// Format is how an answer is encoded.
type Format string

// The formats of f=.
const (
	JSON    Format = "json"    // {"res": …, "cells": […]}
	GeoJSON Format = "geojson" // a FeatureCollection of hexagons
	CSV     Format = "csv"     // one row per cell, UTF-8 with a BOM
)

// DefaultRes is the resolution of a question that names neither res= nor
// h3=: cells of ~0.7 km², a few per commune ward.
const DefaultRes = 8

// Params are the H3 parameters of GET /api/h3 (the URL form; a POST body
// carries the same names): res, parent, agg, h3 and ring, and f. Which
// features are asked about (layer, bbox, admin, where, filter) is the query
// model's business, not this package's.
type Params struct {
	Res    int
	Parent *int
	Aggs   []Agg // Index still -1: bind them to the layer's fields
	// Cell and Ring ask for the k-ring of Ring cells around Cell (h3=…&
	// ring=k; h3= alone is ring 0): the answer then holds exactly those
	// cells, zeros included. Cell is 0 when not asked.
	Cell   Cell
	Ring   int
	Format Format
}

// ParseParams reads the parameters through get (url.Values.Get, or
// fasthttp's Args.Peek as a string): res=0..15 (default DefaultRes, or the
// resolution of h3=), parent=0..res, agg=count|sum:F|avg:F[,…] (default
// count), h3=CELL, ring=0..MaxRing (needs h3=), f=json|geojson|csv. A bad
// value is an *Error naming the parameter.
func ParseParams(get func(key string) string) (Params, error) {
	p := Params{Res: DefaultRes, Format: JSON}
	var err error
	if s := get("h3"); s != "" {
		if p.Cell, err = ParseCell(s); err != nil {
			return p, err
		}
		p.Res = p.Cell.Res()
	}
	if s := get("res"); s != "" {
		if p.Res, err = parseRes("res", s); err != nil {
			return p, err
		}
	}
	if s := get("parent"); s != "" {
		pr, err := parseRes("parent", s)
		if err != nil {
			return p, err
		}
		if pr > p.Res {
			return p, badParam("parent", pr, "a parent resolution must not be finer than res=%d", p.Res)
		}
		p.Parent = &pr
	}
	if p.Aggs, err = ParseAggs(get("agg")); err != nil {
		return p, err
	}
	if s := get("ring"); s != "" {
		if p.Cell == 0 {
			return p, badParam("ring", strconv.Quote(s), "ring= needs the centre cell: h3=CELL")
		}
		if p.Ring, err = strconv.Atoi(s); err != nil || p.Ring < 0 || p.Ring > MaxRing {
			return p, badParam("ring", strconv.Quote(s), "k must be an integer 0..%d", MaxRing)
		}
	}
	if p.Cell != 0 && p.Cell.Res() != p.outRes() {
		return p, badParam("h3", p.Cell, "a cell of res %d in a question whose cells are of res %d", p.Cell.Res(), p.outRes())
	}
	switch f := Format(strings.ToLower(get("f"))); f {
	case "":
	case JSON, GeoJSON, CSV:
		p.Format = f
	default:
		return p, badParam("f", strconv.Quote(string(f)), "want json, geojson or csv")
	}
	return p, nil
}

func (p *Params) outRes() int {
	if p.Parent != nil {
		return *p.Parent
	}
	return p.Res
}

func parseRes(param, s string) (int, error) {
	res, err := strconv.Atoi(s)
	if err != nil {
		return 0, badParam(param, strconv.Quote(s), "resolution must be an integer 0..%d", MaxRes)
	}
	return res, CheckRes(param, res)
}

// Request returns the Request the parameters ask, with the k-ring's cells
// when h3= is given. Bind the Aggs' field indexes before Aggregate.
func (p Params) Request() (Request, error) {
	req := Request{Res: p.Res, Parent: p.Parent, Aggs: p.Aggs}
	if p.Cell != 0 {
		cells, err := GridDisk(p.Cell, p.Ring)
		if err != nil {
			return req, err
		}
		req.Cells = cells
	}
	return req, req.Validate()
}
