package gpkg

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The store's metrics: the reader pool as database/sql reports it, and the
// single writer's queue (writes wait on wmu, never on SQLite's lock).
var (
	gpkgReaderOpen = prometheus.NewDesc("landplan_gpkg_reader_connections",
		"GeoPackage reader connections by state (in_use, idle).", []string{"state"}, nil)
	gpkgReaderMax = prometheus.NewDesc("landplan_gpkg_reader_max_connections",
		"Cap on GeoPackage reader connections.", nil, nil)
	gpkgReaderWaits = prometheus.NewDesc("landplan_gpkg_reader_waits_total",
		"Reader connection requests that had to wait for a free connection.", nil, nil)
	gpkgReaderWaitSecs = prometheus.NewDesc("landplan_gpkg_reader_wait_seconds_total",
		"Total time spent waiting for a reader connection.", nil, nil)
	gpkgWriterWaits = prometheus.NewDesc("landplan_gpkg_writer_acquires_total",
		"Writes (and token changes) that took the single writer.", nil, nil)
	gpkgWriterWaitSecs = prometheus.NewDesc("landplan_gpkg_writer_wait_seconds_total",
		"Total time writes spent queued for the single writer.", nil, nil)
)

var _ prometheus.Collector = (*Store)(nil)

// Describe implements prometheus.Collector.
func (s *Store) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{gpkgReaderOpen, gpkgReaderMax, gpkgReaderWaits, gpkgReaderWaitSecs, gpkgWriterWaits, gpkgWriterWaitSecs} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (s *Store) Collect(ch chan<- prometheus.Metric) {
	st := s.r.Stats()
	ch <- prometheus.MustNewConstMetric(gpkgReaderOpen, prometheus.GaugeValue, float64(st.InUse), "in_use")
	ch <- prometheus.MustNewConstMetric(gpkgReaderOpen, prometheus.GaugeValue, float64(st.Idle), "idle")
	ch <- prometheus.MustNewConstMetric(gpkgReaderMax, prometheus.GaugeValue, float64(st.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(gpkgReaderWaits, prometheus.CounterValue, float64(st.WaitCount))
	ch <- prometheus.MustNewConstMetric(gpkgReaderWaitSecs, prometheus.CounterValue, st.WaitDuration.Seconds())
	ch <- prometheus.MustNewConstMetric(gpkgWriterWaits, prometheus.CounterValue, float64(s.wAcquires.Load()))
	ch <- prometheus.MustNewConstMetric(gpkgWriterWaitSecs, prometheus.CounterValue, time.Duration(s.wWaitNanos.Load()).Seconds())
}

// lockWriter takes wmu, counting the acquire and the time queued for it.
func (s *Store) lockWriter() {
	start := time.Now()
	s.wmu.Lock()
	s.wAcquires.Add(1)
	s.wWaitNanos.Add(int64(time.Since(start)))
}
