package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"landplan/parcels"
	"landplan/planning"
)

const checkUsage = `landplan check [--profile linhai] [--json] [--lang zh|en] [--detect] FILE.geojson

FILE is a GeoJSON FeatureCollection (lon/lat, CRS84) whose features carry a
"role" property:
  member    a member parcel of a merged zone (id, code, name, land_source, lease_end)
  piece     a leftover piece drawn by hand (id, else the feature id; name)
  other     a registered parcel nearby that --detect must not claim
  site      the site of a park (park_type: new_land|redevelopment, declared figures:
            floor_area_m2, non_production_floor_area_m2, non_production_land_area_m2,
            self_held_non_production_m2, property_office_m2, property_business_m2)
  building  a building footprint (id, name, use: production|office|dormitory|canteen|service|other,
            floors (whole), height_m, declared_floor_area_m2)
With members, site and building features are not checked (a note on stderr says so).
With members it prints the clause (十七) zone report, else the site indicators; a
collection with a top-level "park" member (the park's declared figures as the API's
POST /api/analysis/compliance takes them: units, dorms, dates, enterprises,
lead_industries, per_mu_standards, payments, joint_shares, city, as_of) gets the
park compliance report instead, its site and buildings taken from the features.
`

// runCheck implements "landplan check": it reads the file, runs the planning
// engine and prints the report as text (Chinese by default) or JSON.
func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, checkUsage); fs.PrintDefaults() }
	profile := fs.String("profile", "linhai", "policy profile: "+strings.Join(planning.Profiles(), ", "))
	asJSON := fs.Bool("json", false, "print the report as JSON")
	lang := fs.String("lang", "zh", "language of the text report: zh or en")
	detect := fs.Bool("detect", false, "detect leftover pieces: holes and hull pockets of the members not covered by other parcels")
	// Flags may come after the file too (landplan check zone.geojson --json):
	// the flag package stops at the first argument that is not a flag.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return errUsage
	}
	if *lang != "zh" && *lang != "en" {
		return fmt.Errorf("--lang must be zh or en, got %q", *lang)
	}
	p, err := planning.LoadProfile(*profile)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	in, err := parseCheckInput(data)
	if err != nil {
		return fmt.Errorf("%s: %w", files[0], err)
	}
	var report interface{ Text(string) string }
	if len(in.members) > 0 {
		if in.site.Site != nil || len(in.site.Buildings) > 0 {
			fmt.Fprintf(stderr, "注意：文件含成员宗地，输出第（十七）条片区报告；场地（site）与建筑（building）要素未核查，请另存为单独文件检查场地指标。\n"+
				"note: members present, so this is the zone report; the site and %d building feature(s) were not checked: put them in a file of their own for the site indicators.\n", len(in.site.Buildings))
		}
		report, err = planning.Leftover(p, planning.LeftoverInput{Members: in.members, Pieces: in.pieces, Detect: *detect, Others: in.others})
	} else {
		if in.site.Site == nil {
			return fmt.Errorf("%s: no feature with role member or site: nothing to check", files[0])
		}
		if in.park != nil {
			report, err = planning.Compliance(p, in.parkInput())
		} else {
			report, err = planning.Indicators(p, in.site)
		}
	}
	if err != nil {
		return describe(err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	_, err = io.WriteString(stdout, report.Text(*lang))
	return err
}

// describe adds the Chinese message of a domain error to its text.
func describe(err error) error {
	var de *parcels.Error
	if errors.As(err, &de) && de.MessageZH != "" {
		return fmt.Errorf("%w（%s）", err, de.MessageZH)
	}
	return err
}

type checkInput struct {
	members, others []*parcels.Parcel
	pieces          []parcels.Piece
	site            planning.SiteInput
	park            *planning.ParkInput // the collection's "park" member, when present
}

// parkInput is the park with its site, buildings, park type and declared
// figures from the site and building features (the features win where the
// park member repeats a figure).
func (in *checkInput) parkInput() planning.ParkInput {
	pi := *in.park
	pi.Site, pi.Buildings = in.site.Site, in.site.Buildings
	if in.site.ParkType != "" {
		pi.ParkType = in.site.ParkType
	}
	d, f := &pi.Declared, in.site.Declared
	for _, x := range []struct{ dst, src **float64 }{
		{&d.FloorAreaM2, &f.FloorAreaM2}, {&d.NonProductionFloorAreaM2, &f.NonProductionFloorAreaM2},
		{&d.NonProductionLandAreaM2, &f.NonProductionLandAreaM2}, {&d.SelfHeldNonProductionM2, &f.SelfHeldNonProductionM2},
		{&d.PropertyOfficeM2, &f.PropertyOfficeM2}, {&d.PropertyBusinessM2, &f.PropertyBusinessM2},
	} {
		if *x.src != nil {
			*x.dst = *x.src
		}
	}
	return pi
}

func parseCheckInput(data []byte) (*checkInput, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("not a GeoJSON FeatureCollection: %w", err)
	}
	if crs, ok := fc.ExtraMembers["crs"]; ok {
		b, _ := json.Marshal(crs)
		s := string(b)
		if !strings.Contains(s, "CRS84") && !strings.Contains(s, "4326") && !strings.Contains(s, "4490") {
			return nil, fmt.Errorf("crs %s: check reads lon/lat (CRS84, EPSG:4326 or EPSG:4490); import projected data with landplan import", s)
		}
	}
	in := &checkInput{}
	if raw, ok := fc.ExtraMembers["park"]; ok {
		b, err := json.Marshal(raw)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields() // a misspelt figure must not pass as missing
		in.park = &planning.ParkInput{}
		if err := dec.Decode(in.park); err != nil {
			return nil, fmt.Errorf("park: %w", err)
		}
	}
	usedIDs := map[int64]bool{}
	var unnamed []*parcels.Parcel
	sites := 0
	for i, f := range fc.Features {
		label := fmt.Sprintf("feature %d", i+1)
		role, _ := f.Properties["role"].(string)
		g, err := multiPolygon(f.Geometry)
		if err != nil {
			return nil, fmt.Errorf("%s (role %q): %w", label, role, err)
		}
		kind := parcels.KindParcel
		if role == "building" {
			kind = parcels.KindBuilding
		}
		if g, err = parcels.Normalize(kind, label, g); err != nil {
			return nil, describe(err)
		}
		props := f.Properties
		switch role {
		case "member", "other":
			pc := &parcels.Parcel{Geometry: g, Code: str(props, "code"), Name: str(props, "name"),
				LandSource: parcels.LandSource(str(props, "land_source"))}
			switch pc.LandSource {
			case "", parcels.SourceTransferred, parcels.SourceAllocated, parcels.SourceCollective:
			default:
				return nil, fmt.Errorf("%s: land_source %q: must be transferred, allocated or collective", label, pc.LandSource)
			}
			if pc.LeaseEnd, err = parcels.ParseDate(str(props, "lease_end")); err != nil {
				return nil, fmt.Errorf("%s: lease_end: %w", label, err)
			}
			if pc.LeaseStart, err = parcels.ParseDate(str(props, "lease_start")); err != nil {
				return nil, fmt.Errorf("%s: lease_start: %w", label, err)
			}
			id, ok, err := intID(props["id"], f.ID)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			if role == "other" {
				pc.ID = id
				in.others = append(in.others, pc)
				continue
			}
			if ok {
				if usedIDs[id] {
					return nil, fmt.Errorf("%s: member id %d is used twice", label, id)
				}
				usedIDs[id] = true
				pc.ID = id
			} else {
				unnamed = append(unnamed, pc)
			}
			in.members = append(in.members, pc)
		case "piece":
			id := str(props, "id")
			if id == "" {
				id = featureID(f.ID)
			}
			in.pieces = append(in.pieces, parcels.Piece{ID: id, Name: str(props, "name"), Geometry: g})
		case "site":
			sites++
			if sites > 1 {
				return nil, fmt.Errorf("%s: more than one site feature: merge them into one (Multi)Polygon", label)
			}
			in.site.Site = g
			in.site.ParkType = planning.ParkType(str(props, "park_type"))
			d := &in.site.Declared
			for key, dst := range map[string]**float64{
				"floor_area_m2": &d.FloorAreaM2, "non_production_floor_area_m2": &d.NonProductionFloorAreaM2,
				"non_production_land_area_m2": &d.NonProductionLandAreaM2, "self_held_non_production_m2": &d.SelfHeldNonProductionM2,
				"property_office_m2": &d.PropertyOfficeM2, "property_business_m2": &d.PropertyBusinessM2,
			} {
				if v, ok, err := num(props, key); err != nil {
					return nil, fmt.Errorf("%s: %w", label, err)
				} else if ok {
					*dst = &v
				}
			}
		case "building":
			b := &parcels.Building{Geometry: g, Name: str(props, "name"), Use: parcels.BuildingUse(str(props, "use"))}
			if id, ok, err := intID(props["id"], f.ID); err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			} else if ok {
				b.ID = id
			}
			switch b.Use {
			case "", parcels.UseProduction, parcels.UseOffice, parcels.UseDormitory, parcels.UseCanteen, parcels.UseService, parcels.UseOther:
			default:
				return nil, describe(parcels.Errorf(parcels.EINVALID,
					fmt.Sprintf("%s：建筑用途 %q 无效，应为 production（生产）、office（办公）、dormitory（宿舍）、canteen（食堂）、service（配套服务）或 other（其他），未知可留空", label, b.Use),
					"%s: use %q: must be production, office, dormitory, canteen, service or other (empty when unknown)", label, b.Use))
			}
			floors, _, err := num(props, "floors")
			if err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			// Storeys are whole: 2.5 is a typo or a mezzanine, and truncating
			// either changes the floor area silently.
			if floors != math.Trunc(floors) || floors < 0 {
				return nil, describe(parcels.Errorf(parcels.EINVALID, fmt.Sprintf("%s：层数 %v 须为不小于 0 的整数", label, floors),
					"%s: floors %v must be a whole number ≥ 0", label, floors))
			}
			b.Floors = int(floors)
			if b.HeightM, _, err = num(props, "height_m"); err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			if b.DeclaredFloorAreaM2, _, err = num(props, "declared_floor_area_m2"); err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			in.site.Buildings = append(in.site.Buildings, b)
		default:
			return nil, fmt.Errorf("%s: property role is %q: must be member, piece, other, site or building", label, role)
		}
	}
	// Members without an id are numbered after the largest given id, in file order.
	next := int64(0)
	for id := range usedIDs {
		next = max(next, id)
	}
	for _, pc := range unnamed {
		next++
		pc.ID = next
	}
	return in, nil
}

// featureID is a GeoJSON feature id (string or number) as text.
func featureID(id any) string {
	switch t := id.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func multiPolygon(g orb.Geometry) (orb.MultiPolygon, error) {
	switch t := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{t}, nil
	case orb.MultiPolygon:
		return t, nil
	case nil:
		return nil, fmt.Errorf("no geometry")
	}
	return nil, fmt.Errorf("geometry is a %s: a Polygon or MultiPolygon is required", g.GeoJSONType())
}

func str(p geojson.Properties, key string) string {
	switch v := p[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func num(p geojson.Properties, key string) (float64, bool, error) {
	switch v := p[key].(type) {
	case nil:
		return 0, false, nil
	case float64:
		return v, true, nil
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, false, fmt.Errorf("%s %q is not a number", key, v)
		}
		return f, true, nil
	}
	return 0, false, fmt.Errorf("%s is not a number", key)
}

// intID reads a parcel id from the "id" property or the feature id.
func intID(prop, fid any) (int64, bool, error) {
	for _, v := range []any{prop, fid} {
		switch t := v.(type) {
		case float64:
			if t != float64(int64(t)) || t <= 0 {
				return 0, false, fmt.Errorf("id %v must be a positive integer", t)
			}
			return int64(t), true, nil
		case string:
			if t == "" {
				continue
			}
			n, err := strconv.ParseInt(t, 10, 64)
			if err != nil || n <= 0 {
				return 0, false, fmt.Errorf("id %q must be a positive integer", t)
			}
			return n, true, nil
		}
	}
	return 0, false, nil
}
