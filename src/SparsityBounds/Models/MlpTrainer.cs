using SparsityBounds.Numerics;

namespace SparsityBounds.Models;

/// <summary>
/// Trains an <see cref="Mlp"/> the way the paper's pruning scheme LOMP does (THEORY.md §7): minibatch SGD with
/// heavy-ball momentum on mean loss + λ‖θ‖₁, then (outside this class) one-shot global magnitude pruning.
/// </summary>
/// <remarks>
/// <para>Each step, with g the minibatch gradient, follows PyTorch's <c>torch.optim.SGD</c> (dampening 0, no Nesterov):
/// g ← g + λ sign(θ) + decay·θ;  v ← μ v + g;  θ ← θ − η_e v.</para>
/// <para>Epoch e visits the samples in a seeded permutation (stream e + 1 of <see cref="MlpTrainingOptions.Seed"/>),
/// in consecutive batches (the last may be smaller). Minibatch gradients use the same fixed-partition parallel passes
/// as <see cref="MlpObjective"/>, so the trained parameters are bitwise identical for any thread count.</para>
/// </remarks>
public static class MlpTrainer
{
    /// <summary>Trains from He initialisation with <see cref="MlpTrainingOptions.Seed"/>.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="data">Training samples (validated as by <see cref="MlpObjective"/>).</param>
    /// <param name="loss">Per-sample loss.</param>
    /// <param name="options">Options; null for <see cref="MlpTrainingOptions.Default"/>.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <exception cref="ArgumentException">Invalid model/data/loss combination or options.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="InvalidOperationException">The loss became non-finite (the learning rate is too large).</exception>
    public static MlpTrainingResult Train(Mlp model, Dataset data, Loss loss, MlpTrainingOptions? options = null,
        IProgress<MlpTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= MlpTrainingOptions.Default;
        return Train(model, data, loss, model.InitializeParameters(options.Seed), options, progress, cancellationToken);
    }

    /// <summary>Trains from <paramref name="initialParameters"/> (copied).</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="data">Training samples (validated as by <see cref="MlpObjective"/>).</param>
    /// <param name="loss">Per-sample loss.</param>
    /// <param name="initialParameters">Starting θ, length <see cref="Mlp.ParameterCount"/>, finite.</param>
    /// <param name="options">Options; null for <see cref="MlpTrainingOptions.Default"/>.</param>
    /// <param name="progress">Receives one report per epoch.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <exception cref="ArgumentException">Invalid model/data/loss combination, parameters or options.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="InvalidOperationException">The loss became non-finite (the learning rate is too large).</exception>
    public static MlpTrainingResult Train(Mlp model, Dataset data, Loss loss, ReadOnlySpan<double> initialParameters,
        MlpTrainingOptions? options = null, IProgress<MlpTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= MlpTrainingOptions.Default;
        Validate(options);
        var objective = new MlpObjective(model, data, loss, options.L1Penalty) { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        model.CheckParameters(initialParameters, nameof(initialParameters));

        int n = data.Count, d = model.ParameterCount, batch = Math.Min(options.BatchSize, n);
        SampleSet all = data.ToSampleSet(model.OutputSize);
        int featureCount = all.FeatureCount, targetWidth = all.TargetWidth;
        var batchSet = new SampleSet(new double[batch * featureCount], featureCount,
            all.Labels is null ? null : new int[batch], all.Targets is null ? null : new double[batch * targetWidth], targetWidth, batch);
        var evaluator = new MlpEvaluator(model, loss, batchSet) { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };

        double[] theta = initialParameters.ToArray();
        var velocity = new double[d];
        var gradient = new double[d];
        var order = new int[n];
        var epochLosses = new double[options.Epochs];
        double lambda = options.L1Penalty, decay = options.WeightDecay, momentum = options.Momentum;
        long steps = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            double rate = options.LearningRateAt(epoch);
            MlpObjective.FillPermutation(order, options.Seed, epoch + 1);
            double lossSum = 0.0;
            int batches = 0;
            for (int start = 0; start < n; start += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(batch, n - start);
                Gather(all, order.AsSpan(start, count), batchSet);
                double batchLoss = evaluator.Evaluate(theta, gradient);
                if (!double.IsFinite(batchLoss))
                    throw new InvalidOperationException(
                        $"Training diverged: the minibatch loss is {Preconditions.Format(batchLoss)} at epoch {epoch + 1}, step {steps + 1}; lower the learning rate ({Preconditions.Format(options.LearningRate)}).");
                lossSum += batchLoss;
                batches++;
                for (int i = 0; i < d; i++)
                {
                    double w = theta[i];
                    double g = gradient[i] + decay * w;
                    if (w > 0) g += lambda;
                    else if (w < 0) g -= lambda;
                    double v = momentum * velocity[i] + g;
                    velocity[i] = v;
                    theta[i] = w - rate * v;
                }
                steps++;
            }
            epochLosses[epoch] = lossSum / batches;
            progress?.Report(new MlpTrainingProgress(epoch + 1, options.Epochs, epochLosses[epoch], rate));
        }
        return new MlpTrainingResult(theta, epochLosses, steps, objective.DataLoss(theta));
    }

    private static void Gather(SampleSet all, ReadOnlySpan<int> indices, SampleSet batch)
    {
        int f = all.FeatureCount, t = all.TargetWidth;
        for (int i = 0; i < indices.Length; i++)
        {
            int s = indices[i];
            all.Features.AsSpan(s * f, f).CopyTo(batch.Features.AsSpan(i * f, f));
            if (all.Labels is not null) batch.Labels![i] = all.Labels[s];
            if (all.Targets is not null) all.Targets.AsSpan(s * t, t).CopyTo(batch.Targets.AsSpan(i * t, t));
        }
        batch.Count = indices.Length;
    }

    private static void Validate(MlpTrainingOptions options)
    {
        if (options.Epochs <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"options.Epochs must be > 0; got {options.Epochs}.");
        if (options.BatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"options.BatchSize must be > 0; got {options.BatchSize}.");
        if (!double.IsFinite(options.LearningRate) || options.LearningRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRate, $"options.LearningRate must be finite and > 0; got {Preconditions.Format(options.LearningRate)}.");
        if (!(options.Momentum >= 0 && options.Momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.Momentum, $"options.Momentum must lie in [0, 1); got {Preconditions.Format(options.Momentum)}.");
        if (!double.IsFinite(options.L1Penalty) || options.L1Penalty < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.L1Penalty, $"options.L1Penalty must be finite and >= 0; got {Preconditions.Format(options.L1Penalty)}.");
        if (!double.IsFinite(options.WeightDecay) || options.WeightDecay < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.WeightDecay, $"options.WeightDecay must be finite and >= 0; got {Preconditions.Format(options.WeightDecay)}.");
        if (!Enum.IsDefined(options.Schedule))
            throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, $"options.Schedule {(int)options.Schedule} is not a defined LearningRateSchedule.");
    }
}
