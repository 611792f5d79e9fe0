using SparsityBounds.Cli.Infrastructure;

namespace SparsityBounds.Cli.Tests.Infrastructure;

public sealed class CliAppTests
{
    [Test]
    public void NoArguments_PrintsUsageWithBothCommands()
    {
        var run = CliRunner.Run();
        Assert.Multiple(() =>
        {
            Assert.That(run.Output, Does.Contain("sparsity-bounds"));
            Assert.That(run.Output, Does.Contain("demo"));
            Assert.That(run.Output, Does.Contain("estimate"));
        });
    }

    [TestCase("demo", "--hidden", "--epsilon", "--exact", "--json", "--quick")]
    [TestCase("estimate", "--weights", "--eigenvalues", "--hessian", "--prunable", "--symmetrize")]
    public void Help_RendersEveryOption(string command, params string[] options)
    {
        var run = CliRunner.Run(command, "--help");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(run.Error, Is.Empty);
            foreach (string option in options) Assert.That(run.Output, Does.Contain(option));
        });
    }

    [Test]
    public void Version_IsThePackageVersion()
    {
        var run = CliRunner.Run("--version");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.Zero);
            Assert.That(run.Output.Trim(), Is.EqualTo(CliApp.Version));
            Assert.That(CliApp.Version, Does.StartWith("0.1.0"));
        });
    }

    [TestCase(new[] { "demo", "--bogus" }, "Unknown option 'bogus'")]
    [TestCase(new[] { "demo", "--hidden", "32,x" }, "--hidden must be positive integers")]
    [TestCase(new[] { "demo", "--epsilon", "abc" }, "--epsilon must be a positive finite number, got 'abc'")]
    [TestCase(new[] { "demo", "--epsilon", "-1" }, "--epsilon must be a positive finite number")]
    [TestCase(new[] { "demo", "--epochs", "0" }, "--epochs must be at least 1")]
    [TestCase(new[] { "demo", "--activation", "swish" }, "swish")]
    [TestCase(new[] { "demo", "--exact", "sometimes" }, "sometimes")]
    [TestCase(new[] { "estimate", "--epsilon", "0.1" }, "--weights is required")]
    [TestCase(new[] { "estimate", "--weights", "w.npy", "--epsilon", "0.1" }, "give --eigenvalues or --hessian")]
    [TestCase(new[] { "estimate", "--weights", "w.npy", "--eigenvalues", "e.npy" }, "--epsilon is required")]
    [TestCase(new[] { "estimate", "--weights", "w.npy", "--eigenvalues", "e.npy", "--epsilon", "0" }, "--epsilon must be positive")]
    [TestCase(new[] { "estimate", "--weights", "w.npy", "--eigenvalues", "e.npy", "--hessian", "h.npy", "--epsilon", "1" }, "only one of")]
    [TestCase(new[] { "estimate", "--weights", "w.npy", "--eigenvalues", "e.npy", "--epsilon", "1", "--eta", "1" }, "--eta must be in (0, 1)")]
    [TestCase(new[] { "estimate", "--weights", "w.npy", "--eigenvalues", "e.npy", "--epsilon", "1", "--quadratic-model" }, "--quadratic-model needs --hessian")]
    public void BadOptions_GiveOneLineAndUsageExitCode(string[] args, string message)
    {
        var run = CliRunner.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(CliApp.UsageError));
            Assert.That(run.Error, Does.StartWith("error: "));
            Assert.That(run.Error, Does.Contain(message));
            Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
            Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(run.Output, Is.Empty);
        });
    }

    [Test]
    public void MissingFile_IsAUserError()
    {
        var run = CliRunner.Run("estimate", "--weights", "/nonexistent/w.npy", "--eigenvalues", "e.npy", "--epsilon", "0.1");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(CliApp.UserError));
            Assert.That(run.Error.Trim(), Is.EqualTo("error: could not find a part of the path '/nonexistent/w.npy'.").IgnoreCase
                .Or.EqualTo("error: file not found: /nonexistent/w.npy"));
        });
    }

    [Test]
    public void Describe_MapsExceptionsToExitCodes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CliApp.Describe(new ArgumentException("epsilon must be > 0")), Is.EqualTo((CliApp.UserError, "epsilon must be > 0")));
            Assert.That(CliApp.Describe(new ArgumentOutOfRangeException("x", 3, "x is 3")).Code, Is.EqualTo(CliApp.UserError));
            Assert.That(CliApp.Describe(new FileNotFoundException("gone", "a.npy")), Is.EqualTo((CliApp.UserError, "file not found: a.npy")));
            Assert.That(CliApp.Describe(new FormatException("line 3: bad\nnumber")), Is.EqualTo((CliApp.UserError, "line 3: bad number")));
            Assert.That(CliApp.Describe(new InvalidOperationException("training diverged")).Code, Is.EqualTo(CliApp.UserError));
            Assert.That(CliApp.Describe(new OperationCanceledException()).Code, Is.EqualTo(CliApp.Cancelled));
            Assert.That(CliApp.Describe(new AggregateException(new ArgumentException("inner"))), Is.EqualTo((CliApp.UserError, "inner")));
            var bug = CliApp.Describe(new NullReferenceException("oops"));
            Assert.That(bug.Code, Is.EqualTo(CliApp.InternalError));
            Assert.That(bug.Message, Does.Contain("NullReferenceException: oops").And.Contain("please report"));
        });
    }
}
