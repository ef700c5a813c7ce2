package fiji.plugin.autoencoder.cli;

import picocli.CommandLine.Command;

/** The default demo: a conv autoencoder on 12,000 Fashion-MNIST images, reconstruction loss printed. */
@Command( name = "demo-mnist", mixinStandardHelpOptions = true,
		description = "Train a conv autoencoder on 12,000 Fashion-MNIST images and print its reconstruction loss." )
public class MnistDemoCommand extends TrainMnistCommand
{
	@Override
	public Integer call() throws Exception
	{
		preset = "conv_pool";
		samples = 12000;
		epochs = 3;
		batchSize = 64;
		validation = 0.2;
		return super.call();
	}
}
