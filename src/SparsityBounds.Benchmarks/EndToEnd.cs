using System.Diagnostics;
using SparsityBounds.Models;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Benchmarks;

/// <summary>
/// End-to-end measurement (<c>--end-to-end [threads]</c>): PhaseTransition.Estimate on a LOMP-trained [64, 256, 256, 10]
/// digits MLP. (1) Total time against the time spent in its Hessian-vector products (default spectrum budget);
/// (2) kept-fraction error against a large SLQ "truth" (16 probes × 600 steps) for several budgets and seeds, to find
/// the products needed for an error ≤ 0.005, beside the reference recipe (1 probe × 96–128 steps).
/// </summary>
internal static class EndToEnd
{
    /// <summary>Kept-fraction errors against a known truth (from <see cref="Run"/>) for more steps per probe, and of the
    /// plain recurrence against full reorthogonalisation at the same budgets and seeds.</summary>
    internal static void CompareReorthogonalization(double truth, TextWriter log)
    {
        void Say(string line) { Console.WriteLine(line); log.WriteLine(line); log.Flush(); }
        var (model, objective, w, epsilon) = Setup(-1);
        var hessian = objective.Hessian(w);
        (int Probes, int Steps, bool BothModes)[] budgets = [(4, 250, true), (1, 400, false), (2, 400, false), (1, 600, false), (2, 600, false), (4, 600, true)];
        const int seeds = 4;
        foreach (var (probes, steps, both) in budgets)
            foreach (Reorthogonalization r in both ? new[] { Reorthogonalization.Full, Reorthogonalization.None } : new[] { Reorthogonalization.Full })
            {
                var errors = new double[seeds];
                var watch = Stopwatch.StartNew();
                for (int s = 0; s < seeds; s++)
                {
                    var spectrum = StochasticLanczosQuadrature.Estimate(hessian, new SlqOptions { Probes = probes, Steps = steps, Seed = 100 + s, Reorthogonalization = r });
                    errors[s] = PhaseTransition.Estimate(w, spectrum, epsilon).KeptFraction - truth;
                }
                Say($"budget {probes} x {steps}, {r}: mean |error| {errors.Select(Math.Abs).Average():F4}, mean signed error {errors.Average():+0.0000;-0.0000}, max |error| {errors.Max(Math.Abs):F4} over {seeds} seeds; {watch.Elapsed.TotalSeconds / seeds:F1} s per estimate");
            }
    }

    /// <summary>The time of <paramref name="count"/> HVPs alone: one after another (the operator's own threads), and as
    /// concurrent streams on one thread each (one per thread allowed, the layout of concurrent SLQ probes).</summary>
    internal static (double Sequential, double Concurrent, int Width) HvpsAlone(ISymmetricOperator hessian, int threads, int count)
    {
        int width = threads > 0 ? Math.Min(threads, Environment.ProcessorCount) : Environment.ProcessorCount;
        var x = new double[hessian.Dimension];
        SparsityBounds.Numerics.CounterRandom.FillRademacher(0, 0, x);
        var y = new double[hessian.Dimension];
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) hessian.Apply(x, y);
        double sequential = watch.Elapsed.TotalSeconds;
        var streams = new HvpStreams(hessian, width, count, x);
        watch.Restart();
        // Inside the library's scheduler, as SLQ runs its probes: the products in each stream then run on that thread alone.
        SparsityBounds.Numerics.ChunkScheduler.Run(streams, width, width);
        return (sequential, watch.Elapsed.TotalSeconds, width);
    }

    private sealed class HvpStreams(ISymmetricOperator hessian, int width, int count, double[] x) : SparsityBounds.Numerics.IChunkJob
    {
        private readonly ISymmetricOperator[] _views = Enumerable.Range(0, width)
            .Select(i => i == 0 ? hessian : ((IConcurrentSymmetricOperator)hessian).CreateConcurrentView()).ToArray();
        private readonly double[][] _outputs = Enumerable.Range(0, width).Select(_ => new double[hessian.Dimension]).ToArray();

        public void RunChunk(int stream)
        {
            for (int i = stream; i < count; i += width) _views[stream].Apply(x, _outputs[stream]);
        }
    }

    internal static (Mlp Model, MlpObjective Objective, double[] Weights, double Epsilon) Setup(int threads)
    {
        var data = SampleData.Digits();
        var model = new Mlp([64, 256, 256, 10], Activation.Relu);
        var training = new MlpTrainingOptions { Epochs = 30, L1Penalty = 1e-4, Seed = 1, MaxDegreeOfParallelism = threads };
        double[] w = MlpTrainer.Train(model, data, Loss.SoftmaxCrossEntropy, training).Parameters;
        var objective = new MlpObjective(model, data, Loss.SoftmaxCrossEntropy, 1e-4) { MaxDegreeOfParallelism = threads };
        return (model, objective, w, objective.MinibatchLossStandardDeviation(w));
    }

    internal static void Run(int threads, TextWriter log, bool overheadOnly = false)
    {
        void Say(string line) { Console.WriteLine(line); log.WriteLine(line); log.Flush(); }
        var total = Stopwatch.StartNew();
        var watch = Stopwatch.StartNew();
        var (model, objective, w, epsilon) = Setup(threads);
        Say($"model [64, 256, 256, 10] ReLU, D = {model.ParameterCount}, trained 30 epochs (L1 1e-4), ε computed, in {watch.Elapsed.TotalSeconds:F1} s; accuracy {objective.Accuracy(w):P2}; epsilon (minibatch-loss sd) = {epsilon:G4}; threads {threads}");

        var hessian = objective.Hessian(w);
        // (1) Overhead of the default Estimate beyond its products. Every thread setting applies to the products, the passes
        // over the Lanczos bases and the probes run at once alike. With concurrent probes the products of the threads are
        // timed separately; "per thread" is their sum over the threads that ran probes. The stricter figure divides by the
        // same products run alone in the same layout.
        var hvpAlone = HvpsAlone(hessian, threads, 1000);
        Say($"1,000 HVPs alone: {hvpAlone.Sequential:F2} s one after another ({threads} threads each), {hvpAlone.Concurrent:F2} s as {hvpAlone.Width} concurrent streams (1 thread each)");
        for (int repeat = 0; repeat < 2; repeat++)
            foreach (bool concurrent in new[] { true, false })
            {
                var timed = new Guard.TimedOperator(hessian);
                var options = new PhaseTransitionOptions { Spectrum = PhaseTransitionOptions.DefaultSpectrum with { MaxDegreeOfParallelism = threads, ConcurrentProbes = concurrent } };
                watch.Restart();
                PhaseTransitionEstimate estimate = PhaseTransition.Estimate(w, timed, epsilon, options);
                double seconds = watch.Elapsed.TotalSeconds;
                int width = timed.Views + 1;
                double perThread = timed.Seconds / width;
                double alone = width > 1 ? hvpAlone.Concurrent : hvpAlone.Sequential;
                Say($"default Estimate (4 x 250{(repeat == 0 ? ", first of the run" : "")}), probes {(width > 1 ? $"{width} at once" : "one after another")}: total {seconds:F2} s, " +
                    $"{timed.Applications} HVPs, {perThread:F2} s of HVPs per thread ({timed.Seconds / timed.Applications * 1e3:F1} ms each), " +
                    $"outside HVPs {seconds - perThread:F2} s = {(seconds - perThread) / perThread:P1} of HVP time; against the same HVPs alone {(seconds - alone) / alone:P1}; kept fraction {estimate.KeptFraction:F6}");
            }
        foreach (var (r, storage) in new[] { (Reorthogonalization.None, BasisPrecision.Double), (Reorthogonalization.Partial, BasisPrecision.Double), (Reorthogonalization.Partial, BasisPrecision.Single),
                     (Reorthogonalization.Partial, BasisPrecision.Scaled16), (Reorthogonalization.Full, BasisPrecision.Double), (Reorthogonalization.Full, BasisPrecision.Single), (Reorthogonalization.Full, BasisPrecision.Scaled16) })
        {
            var t2 = new Guard.TimedOperator(hessian);
            watch.Restart();
            var e2 = PhaseTransition.Estimate(w, t2, epsilon, new PhaseTransitionOptions { Spectrum = new SlqOptions { Probes = 4, Steps = 250, Reorthogonalization = r, BasisPrecision = storage, MaxDegreeOfParallelism = threads } });
            double s2 = watch.Elapsed.TotalSeconds;
            double perThread = t2.Seconds / (t2.Views + 1);
            Say($"Estimate (4 x 250, reorthogonalization {r}, {storage} basis, {t2.Views + 1} probe(s) at once): total {s2:F2} s, HVPs per thread {perThread:F2} s, outside {(s2 - perThread) / perThread:P1}; kept fraction {e2.KeptFraction:F6}");
        }

        {
            var start = new double[model.ParameterCount];
            SparsityBounds.Numerics.CounterRandom.FillRademacher(0, 0, start);
            foreach (var (r, storage) in new[] { (Reorthogonalization.Full, BasisPrecision.Double), (Reorthogonalization.Partial, BasisPrecision.Double), (Reorthogonalization.Partial, BasisPrecision.Single), (Reorthogonalization.Partial, BasisPrecision.Scaled16) })
            {
                var lanczos = new LanczosProcess(hessian, start, new LanczosOptions { Steps = 250, Reorthogonalization = r, BasisPrecision = storage });
                lanczos.Run();
                Say($"one 250-step Lanczos run, {r}, {storage} basis: {lanczos.Reorthogonalizations} reorthogonalised steps, {lanczos.OrthogonalizedVectors} basis vectors orthogonalised against ({(double)lanczos.OrthogonalizedVectors / (250.0 * 251 / 2):P0} of full)");
            }
        }
        if (overheadOnly) return;

        // (2) Truth and budgets.
        watch.Restart();
        SpectralQuadrature truthSpectrum = StochasticLanczosQuadrature.Estimate(hessian, new SlqOptions { Probes = 16, Steps = 600, Seed = 12345 });
        double truth = PhaseTransition.Estimate(w, truthSpectrum, epsilon).KeptFraction;
        Say($"truth: SLQ 16 x 600 in {watch.Elapsed.TotalSeconds:F0} s: kept fraction {truth:F4}");
        (int Probes, int Steps)[] budgets = [(1, 96), (1, 128), (2, 128), (1, 250), (2, 250), (4, 250), (8, 250), (4, 400)];
        const int seeds = 4;
        foreach (var (probes, steps) in budgets)
        {
            var errors = new double[seeds];
            for (int s = 0; s < seeds; s++)
            {
                var spectrum = StochasticLanczosQuadrature.Estimate(hessian, new SlqOptions { Probes = probes, Steps = steps, Seed = 100 + s });
                errors[s] = Math.Abs(PhaseTransition.Estimate(w, spectrum, epsilon).KeptFraction - truth);
            }
            Say($"budget {probes} x {steps} = {probes * steps} HVPs: |error| mean {errors.Average():F4}, max {errors.Max():F4} over {seeds} seeds ({string.Join(", ", errors.Select(e => e.ToString("F4")))})");
        }
        Say($"end-to-end run took {total.Elapsed.TotalMinutes:F1} min");
    }
}
