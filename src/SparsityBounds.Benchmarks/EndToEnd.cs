using System.Diagnostics;
using SparsityBounds.Models;
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
        // (1) Overhead of the default Estimate beyond its products.
        var timed = new Guard.TimedOperator(hessian);
        watch.Restart();
        // Every thread setting applies to the products and to the passes over the Lanczos bases alike.
        var defaultOptions = new PhaseTransitionOptions { Spectrum = PhaseTransitionOptions.DefaultSpectrum with { MaxDegreeOfParallelism = threads } };
        PhaseTransitionEstimate estimate = PhaseTransition.Estimate(w, timed, epsilon, defaultOptions);
        double seconds = watch.Elapsed.TotalSeconds;
        Say($"default Estimate (4 x 250): total {seconds:F2} s, {timed.Applications} HVPs in {timed.Seconds:F2} s ({timed.Seconds / timed.Applications * 1e3:F1} ms each), outside HVPs {seconds - timed.Seconds:F2} s = {(seconds - timed.Seconds) / timed.Seconds:P1} of HVP time; kept fraction {estimate.KeptFraction:F6}");
        foreach (var (r, single) in new[] { (Reorthogonalization.None, false), (Reorthogonalization.Partial, false), (Reorthogonalization.Partial, true), (Reorthogonalization.Full, false), (Reorthogonalization.Full, true) })
        {
            var t2 = new Guard.TimedOperator(hessian);
            watch.Restart();
            var e2 = PhaseTransition.Estimate(w, t2, epsilon, new PhaseTransitionOptions { Spectrum = new SlqOptions { Probes = 4, Steps = 250, Reorthogonalization = r, SinglePrecisionBasis = single, MaxDegreeOfParallelism = threads } });
            double s2 = watch.Elapsed.TotalSeconds;
            Say($"Estimate (4 x 250, reorthogonalization {r}, {(single ? "float32" : "double")} basis): total {s2:F2} s, HVPs {t2.Seconds:F2} s, outside {(s2 - t2.Seconds) / t2.Seconds:P1}; kept fraction {e2.KeptFraction:F6}");
        }

        {
            var start = new double[model.ParameterCount];
            SparsityBounds.Numerics.CounterRandom.FillRademacher(0, 0, start);
            foreach (var (r, single) in new[] { (Reorthogonalization.Full, false), (Reorthogonalization.Partial, false), (Reorthogonalization.Partial, true) })
            {
                var lanczos = new LanczosProcess(hessian, start, new LanczosOptions { Steps = 250, Reorthogonalization = r, SinglePrecisionBasis = single });
                lanczos.Run();
                Say($"one 250-step Lanczos run, {r}, {(single ? "float32" : "double")} basis: {lanczos.Reorthogonalizations} reorthogonalised steps, {lanczos.OrthogonalizedVectors} basis vectors orthogonalised against ({(double)lanczos.OrthogonalizedVectors / (250.0 * 251 / 2):P0} of full)");
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
