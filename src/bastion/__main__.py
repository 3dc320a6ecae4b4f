from bastion.app.cli.main import run

run()
