using System.Diagnostics;

namespace SparsityBounds.Benchmarks;

/// <summary>Quick medians of repeated timings, for the perf guard and for exploratory runs (not BenchmarkDotNet).</summary>
internal static class Timing
{
    /// <summary>Median seconds per call of <paramref name="action"/>: <paramref name="repetitions"/> samples of
    /// enough calls to last about <paramref name="sampleSeconds"/> each, after a warm-up.</summary>
    internal static double Median(Action action, int repetitions = 7, double sampleSeconds = 0.05)
    {
        action();
        var watch = Stopwatch.StartNew();
        int calls = 0;
        do { action(); calls++; } while (watch.Elapsed.TotalSeconds < sampleSeconds / 2);
        int perSample = Math.Max(1, (int)(calls * sampleSeconds / Math.Max(1e-9, watch.Elapsed.TotalSeconds)));
        var samples = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            watch.Restart();
            for (int i = 0; i < perSample; i++) action();
            samples[r] = watch.Elapsed.TotalSeconds / perSample;
        }
        Array.Sort(samples);
        return samples[repetitions / 2];
    }

    /// <summary>
    /// Median seconds per call of each action, sampled round-robin (A B C A B C …) so that a load change on a shared
    /// machine hits all of them alike: ratios of the returned medians are far steadier than separate runs.
    /// </summary>
    internal static double[] Interleaved(Action[] actions, int repetitions = 9, double sampleSeconds = 0.03)
    {
        int k = actions.Length;
        var perSample = new int[k];
        var watch = new Stopwatch();
        for (int a = 0; a < k; a++)
        {
            // Warm-up long enough for tiered compilation to reach optimised code (a Tier-0 SIMD loop is many times slower).
            watch.Restart();
            int warm = 0;
            do { actions[a](); warm++; } while (watch.Elapsed.TotalSeconds < 0.25 || warm < 40 && watch.Elapsed.TotalSeconds < 1.0);
            watch.Restart();
            int calls = 0;
            do { actions[a](); calls++; } while (watch.Elapsed.TotalSeconds < sampleSeconds / 2);
            perSample[a] = Math.Max(1, (int)(calls * sampleSeconds / Math.Max(1e-9, watch.Elapsed.TotalSeconds)));
        }
        var samples = new double[k][];
        for (int a = 0; a < k; a++) samples[a] = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
            for (int a = 0; a < k; a++)
            {
                watch.Restart();
                for (int i = 0; i < perSample[a]; i++) actions[a]();
                samples[a][r] = watch.Elapsed.TotalSeconds / perSample[a];
            }
        var medians = new double[k];
        for (int a = 0; a < k; a++)
        {
            Array.Sort(samples[a]);
            medians[a] = samples[a][repetitions / 2];
        }
        return medians;
    }

    /// <summary>Bytes allocated on the calling thread by <paramref name="calls"/> calls, after one warm-up call.</summary>
    internal static long AllocatedBytes(Action action, int calls = 20)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
