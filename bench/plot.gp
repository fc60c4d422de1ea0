# bench/plot.gp - the plots of `make bench` (gnuplot 5).
# usage: gnuplot -e "dir='PLOTDIR'; out='RESULTS'" bench/plot.gp
# Reads PLOTDIR/{oneshot,daemon,scaling}.dat and oneshot.tools written by
# bench/report.py; writes RESULTS/latency.png and RESULTS/scaling.png.

set terminal pngcairo size 1400,1000 font "sans,10" noenhanced
set datafile missing "NaN"
set key outside right top
set grid ytics
set logscale y

tools = system("cat " . dir . "/oneshot.tools")
ntools = words(tools)

# ---- latency.png: per query kind, p50 (bar) and p99 (errorbar top) -------
set output out . "/latency.png"
set multiplot layout 2,1 title "lectern and peers: query latency by query kind (x1 corpus)"

set title "one-shot query, whole process (ms): box = p50, whisker = p99"
set ylabel "ms (log)"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set xtics rotate by -30 scale 0
set yrange [0.5:*]
plot for [i=1:ntools] dir."/oneshot.dat" using (column(2*i)):(column(2*i)):(column(2*i+1)):xtic(1) \
	title word(tools, i)

set title "through the daemon vs in-process Xapian (ms): box = p50, whisker = p99"
set yrange [0.005:*]
plot dir."/daemon.dat" using 2:2:3:xtic(1) title "lectern serve, 1 client", \
	'' using 4:4:5 title "lectern serve, 4 clients", \
	'' using 6:6:7 title "in-process Xapian (python3-xapian)"
unset multiplot

# ---- scaling.png: index time and query p99 against corpus size ----------
set terminal pngcairo size 1400,700 font "sans,10" noenhanced
set output out . "/scaling.png"
unset style
set style data linespoints
set logscale xy
set xtics rotate by 0 scale 1
set xlabel "corpus MB (log)"
set yrange [*:*]
set multiplot layout 1,2 title "lectern and peers against corpus size (x1, x10, x40; scaled corpora repeat text)"
set title "index from scratch: wall time (s)"
set ylabel "s (log)"
plot dir."/scaling.dat" using 1:2 title "lectern" lw 2, \
	'' using 1:3 title "omindex", '' using 1:4 title "recollindex", '' using 1:5 title "FTS5"
set title "query p99 over the mix (ms)"
set ylabel "ms (log)"
plot dir."/scaling.dat" using 1:6 title "lectern find" lw 2, \
	'' using 1:7 title "lectern find, daemon up", '' using 1:8 title "quest", \
	'' using 1:9 title "recollq", '' using 1:10 title "sqlite3", '' using 1:11 title "rg", \
	'' using 1:12 title "daemon round trip" lw 2
unset multiplot
