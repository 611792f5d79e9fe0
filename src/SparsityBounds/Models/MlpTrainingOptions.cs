namespace SparsityBounds.Models;

/// <summary>How the learning rate evolves over the epochs of <see cref="MlpTrainer"/>.</summary>
public enum LearningRateSchedule
{
    /// <summary>The base rate throughout.</summary>
    Constant,

    /// <summary>Cosine annealing to 0: η_e = η · ½(1 + cos(π e / E)) for epoch e = 0..E−1
    /// (Loshchilov and Hutter, "SGDR", ICLR 2017; PyTorch <c>CosineAnnealingLR</c> with T_max = E).</summary>
    Cosine,

    /// <summary>The base rate divided by 10 at 50 % and again at 75 % of the epochs (the classic CIFAR recipe).</summary>
    Step,
}

/// <summary>
/// Options of <see cref="MlpTrainer"/>: minibatch SGD with heavy-ball momentum, an L1 penalty and optional weight
/// decay. The defaults are the paper's LOMP scheme (THEORY.md §7: SGD, momentum 0.9, no weight decay; λ is the
/// user's, the reference range being 2e-5 … 1e-4) with a rate and epoch count that train a digits MLP to &gt; 95 %
/// training accuracy in seconds.
/// </summary>
public sealed record MlpTrainingOptions
{
    /// <summary>Passes over the data. Default 60.</summary>
    public int Epochs { get; init; } = 60;

    /// <summary>Samples per minibatch. Default 128 (the paper's reference code).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Base learning rate η. Default 0.05 (stable for He-initialised MLPs on inputs scaled to [0, 1]).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Heavy-ball momentum μ in [0, 1). Default 0.9 (LOMP, THEORY.md §7).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>λ of the L1 penalty λ‖θ‖₁ (all parameters). Default 0; LOMP uses 2e-5 … 1e-4 (THEORY.md §7).</summary>
    public double L1Penalty { get; init; }

    /// <summary>Coupled weight decay (adds decay · θ to the gradient, as PyTorch SGD). Default 0 (LOMP uses none).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Learning-rate schedule. Default <see cref="LearningRateSchedule.Cosine"/>.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;

    /// <summary>Seed of the initialisation (when no initial parameters are given) and of the per-epoch shuffles.</summary>
    public int Seed { get; init; }

    /// <summary>Maximum threads per minibatch gradient; ≤ 0 (default) uses every processor. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>The defaults.</summary>
    public static MlpTrainingOptions Default { get; } = new();

    /// <summary>η for epoch <paramref name="epoch"/> (0-based) under <see cref="Schedule"/>.</summary>
    public double LearningRateAt(int epoch) => Schedule switch
    {
        LearningRateSchedule.Cosine => LearningRate * 0.5 * (1.0 + Math.Cos(Math.PI * epoch / Epochs)),
        LearningRateSchedule.Step => LearningRate * (epoch >= 0.75 * Epochs ? 0.01 : epoch >= 0.5 * Epochs ? 0.1 : 1.0),
        _ => LearningRate,
    };
}

/// <summary>Progress of <see cref="MlpTrainer"/>, reported after each epoch.</summary>
/// <param name="Epoch">Epochs completed (1-based).</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="MeanMinibatchLoss">Mean over the epoch's minibatches of the minibatch loss (no penalty), each taken before its step.</param>
/// <param name="LearningRate">The rate used in this epoch.</param>
public readonly record struct MlpTrainingProgress(int Epoch, int Epochs, double MeanMinibatchLoss, double LearningRate);

/// <summary>The outcome of <see cref="MlpTrainer.Train(Mlp, Dataset, Loss, MlpTrainingOptions?, IProgress{MlpTrainingProgress}?, CancellationToken)"/>.</summary>
public sealed class MlpTrainingResult
{
    internal MlpTrainingResult(double[] parameters, double[] epochLosses, long steps, double trainingLoss)
    {
        Parameters = parameters;
        EpochLosses = Array.AsReadOnly(epochLosses);
        Steps = steps;
        TrainingLoss = trainingLoss;
    }

    /// <summary>The trained parameters θ* (layout of <see cref="Mlp"/>).</summary>
    public double[] Parameters { get; }

    /// <summary>Per epoch, the mean minibatch loss (no penalty).</summary>
    public IReadOnlyList<double> EpochLosses { get; }

    /// <summary>Number of SGD steps taken.</summary>
    public long Steps { get; }

    /// <summary>The mean loss over the whole training set at θ* (no penalty).</summary>
    public double TrainingLoss { get; }
}
