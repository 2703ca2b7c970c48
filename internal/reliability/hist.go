package reliability

import (
	"encoding/binary"
	"math"
	"time"
)

// Hist is a latency histogram with buckets that grow by a quarter of an
// octave (about 19 %) from 100 µs to about 5 minutes, so a quantile read from
// it is within about 10 % of the true value. It is stored sparsely: only
// non-empty buckets, as (index gap, count) varint pairs, which keeps an
// hourly rollup of a steady service to a few dozen bytes.
type Hist [histBuckets]uint32

const (
	histBuckets = 88
	histBaseUS  = 100.0
	histGrowth  = 1.189207115002721 // 2^(1/4)
)

// bucketOf returns the bucket a latency falls in.
func bucketOf(d time.Duration) int {
	us := float64(d.Microseconds())
	if us <= histBaseUS {
		return 0
	}
	i := int(math.Ceil(math.Log(us/histBaseUS) / math.Log(histGrowth)))
	if i >= histBuckets {
		return histBuckets - 1
	}
	return i
}

// upperUS is the upper bound of bucket i in microseconds.
func upperUS(i int) float64 { return histBaseUS * math.Pow(histGrowth, float64(i)) }

// Add counts one latency.
func (h *Hist) Add(d time.Duration) { h[bucketOf(d)]++ }

// AddN counts n latencies of the same value.
func (h *Hist) AddN(d time.Duration, n uint32) { h[bucketOf(d)] += n }

// Merge adds o's counts into h.
func (h *Hist) Merge(o *Hist) {
	for i, c := range o {
		h[i] += c
	}
}

// Count is the number of latencies recorded.
func (h *Hist) Count() int64 {
	var n int64
	for _, c := range h {
		n += int64(c)
	}
	return n
}

// Quantile estimates the q-quantile (0..1), interpolating within a bucket;
// 0 when the histogram is empty.
func (h *Hist) Quantile(q float64) time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := q * float64(n)
	var seen float64
	for i, c := range h {
		if c == 0 {
			continue
		}
		if seen+float64(c) >= rank {
			lo := 0.0
			if i > 0 {
				lo = upperUS(i - 1)
			}
			frac := (rank - seen) / float64(c)
			return time.Duration((lo + frac*(upperUS(i)-lo)) * float64(time.Microsecond))
		}
		seen += float64(c)
	}
	return time.Duration(upperUS(histBuckets-1) * float64(time.Microsecond))
}

// Under estimates how many latencies were at most d, interpolating within
// the bucket d falls in.
func (h *Hist) Under(d time.Duration) float64 {
	us := float64(d.Microseconds())
	var n float64
	for i, c := range h {
		lo := 0.0
		if i > 0 {
			lo = upperUS(i - 1)
		}
		hi := upperUS(i)
		switch {
		case us >= hi:
			n += float64(c)
		case us > lo:
			n += float64(c) * (us - lo) / (hi - lo)
		}
	}
	return n
}

// MarshalBinary writes the sparse form.
func (h *Hist) MarshalBinary() []byte {
	out := []byte{} // never nil: an empty histogram is stored as an empty blob
	last := -1
	for i, c := range h {
		if c == 0 {
			continue
		}
		out = binary.AppendUvarint(out, uint64(i-last))
		out = binary.AppendUvarint(out, uint64(c))
		last = i
	}
	return out
}

// UnmarshalBinary reads the sparse form, adding to h; bad input is ignored
// from the first bad byte on.
func (h *Hist) UnmarshalBinary(b []byte) {
	i := -1
	for len(b) > 0 {
		gap, n := binary.Uvarint(b)
		if n <= 0 {
			return
		}
		b = b[n:]
		c, m := binary.Uvarint(b)
		if m <= 0 {
			return
		}
		b = b[m:]
		i += int(gap)
		if i < 0 || i >= histBuckets {
			return
		}
		h[i] += uint32(c)
	}
}
