print("testbench")
