from ipstat.cli import main

main()
