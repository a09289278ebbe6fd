"""python -m switchadvisor"""

from switchadvisor.entry import main

if __name__ == "__main__":
    main()
