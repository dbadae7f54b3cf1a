from ipstat.entry import main

main()
