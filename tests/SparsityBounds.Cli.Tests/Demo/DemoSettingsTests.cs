using SparsityBounds.Cli.Demo;
using SparsityBounds.Models;

namespace SparsityBounds.Cli.Tests.Demo;

public sealed class DemoSettingsTests
{
    [Test]
    public void Defaults_AreTheDocumentedExperiment()
    {
        var options = new DemoSettings().ToOptions([]);
        Assert.Multiple(() =>
        {
            Assert.That(options.Hidden, Is.EqualTo(new[] { 32 }));
            Assert.That(options.Activation, Is.EqualTo(Activation.Relu));
            Assert.That(options.L1Penalty, Is.EqualTo(1e-4));
            Assert.That(options.Epochs, Is.EqualTo(60));
            Assert.That(options.Seed, Is.EqualTo(1));
            Assert.That(options.Epsilon, Is.Null, "ε defaults to the minibatch-loss deviation");
            Assert.That((options.Probes, options.Steps), Is.EqualTo((4, 250)));
            Assert.That(options.UsesExactSpectrum(2410), Is.True);
            Assert.That(options.UsesExactSpectrum(3001), Is.False);
        });
    }

    [Test]
    public void Quick_FillsOnlyWhatWasNotGiven()
    {
        var quick = new DemoSettings { Quick = true }.ToOptions(["demo", "--quick"]);
        var mixed = new DemoSettings { Quick = true, Hidden = "8,4", Epochs = 3 }.ToOptions(["demo", "--quick", "--hidden", "8,4", "--epochs=3"]);
        Assert.Multiple(() =>
        {
            Assert.That(quick.Hidden, Is.EqualTo(new[] { 16 }));
            Assert.That(quick.Epochs, Is.EqualTo(20));
            Assert.That((quick.Probes, quick.Steps), Is.EqualTo((2, 80)));
            Assert.That(mixed.Hidden, Is.EqualTo(new[] { 8, 4 }));
            Assert.That(mixed.Epochs, Is.EqualTo(3));
            Assert.That((mixed.Probes, mixed.Steps), Is.EqualTo((2, 80)));
        });
    }

    [TestCase("32", new[] { 32 })]
    [TestCase("64, 32", new[] { 64, 32 })]
    [TestCase("0", null)]
    [TestCase("-3", null)]
    [TestCase("3.5", null)]
    [TestCase("", null)]
    [TestCase("1,,2", null)]
    public void HiddenWidths_Parse(string text, int[]? expected) => Assert.That(DemoSettings.ParseHidden(text), Is.EqualTo(expected));

    [TestCase("0.02", 0.02)]
    [TestCase("1e-4", 1e-4)]
    [TestCase("0", null)]
    [TestCase("-1", null)]
    [TestCase("NaN", null)]
    [TestCase("Infinity", null)]
    [TestCase("1,5", null)]
    public void PositiveNumbers_Parse(string text, double? expected) => Assert.That(DemoSettings.ParsePositive(text), Is.EqualTo(expected));
}
