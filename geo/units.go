package geo

import (
	"fmt"
	"math"
)

// Area units. 1 亩 = 10000/15 m² exactly; 1 公顷 = 10000 m² = 15 亩.
// Convert with these functions, never with 666.67.
const (
	SquareMetresPerHectare = 10000.0
	MuPerHectare           = 15.0
)

// MuFromM2 converts square metres to 亩.
func MuFromM2(m2 float64) float64 { return m2 * MuPerHectare / SquareMetresPerHectare }

// M2FromMu converts 亩 to square metres.
func M2FromMu(mu float64) float64 { return mu * SquareMetresPerHectare / MuPerHectare }

// HectaresFromM2 converts square metres to 公顷.
func HectaresFromM2(m2 float64) float64 { return m2 / SquareMetresPerHectare }

// M2FromHectares converts 公顷 to square metres.
func M2FromHectares(ha float64) float64 { return ha * SquareMetresPerHectare }

// FormatArea renders an area for people, rounding only here: "59600.00 m²
// (89.400 亩, 5.9600 公顷)" in English, "59600.00 平方米（89.400 亩，5.9600 公顷）" in Chinese.
func FormatArea(m2 float64, lang string) string {
	if math.IsNaN(m2) || math.IsInf(m2, 0) {
		return fmt.Sprint(m2)
	}
	if lang == "en" {
		return fmt.Sprintf("%.2f m² (%.3f mu, %.4f ha)", m2, MuFromM2(m2), HectaresFromM2(m2))
	}
	return fmt.Sprintf("%.2f 平方米（%.3f 亩，%.4f 公顷）", m2, MuFromM2(m2), HectaresFromM2(m2))
}
